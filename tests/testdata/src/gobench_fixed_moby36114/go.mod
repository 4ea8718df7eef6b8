module example.com/gobench_fixed_moby36114

go 1.23
