module example.com/gobench_fixed_istio17860

go 1.23
