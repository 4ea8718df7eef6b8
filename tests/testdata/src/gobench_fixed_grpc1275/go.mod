module example.com/gobench_fixed_grpc1275

go 1.23
