module example.com/gobench_fixed_kubernetes25331

go 1.23
