module example.com/gobench_fixed_moby7559

go 1.23
