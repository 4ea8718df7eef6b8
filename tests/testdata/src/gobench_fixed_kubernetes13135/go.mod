module example.com/gobench_fixed_kubernetes13135

go 1.23
