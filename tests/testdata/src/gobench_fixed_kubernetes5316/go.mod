module example.com/gobench_fixed_kubernetes5316

go 1.23
