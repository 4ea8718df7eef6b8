module example.com/gobench_fixed_istio16224

go 1.23
