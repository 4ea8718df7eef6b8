module example.com/gobench_fixed_kubernetes58107

go 1.23
