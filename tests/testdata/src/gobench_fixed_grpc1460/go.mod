module example.com/gobench_fixed_grpc1460

go 1.23
