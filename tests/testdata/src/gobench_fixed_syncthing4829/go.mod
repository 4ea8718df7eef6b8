module example.com/gobench_fixed_syncthing4829

go 1.23
