module example.com/gobench_fixed_kubernetes10182

go 1.23
