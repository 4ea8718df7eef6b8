module example.com/gobench_fixed_kubernetes38669

go 1.23
