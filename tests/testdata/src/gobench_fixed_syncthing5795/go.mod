module example.com/gobench_fixed_syncthing5795

go 1.23
