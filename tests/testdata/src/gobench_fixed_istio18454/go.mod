module example.com/gobench_fixed_istio18454

go 1.23
