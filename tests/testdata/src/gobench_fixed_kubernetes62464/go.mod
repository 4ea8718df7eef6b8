module example.com/gobench_fixed_kubernetes62464

go 1.23
