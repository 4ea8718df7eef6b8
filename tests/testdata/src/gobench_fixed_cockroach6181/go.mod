module example.com/gobench_fixed_cockroach6181

go 1.23
