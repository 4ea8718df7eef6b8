module example.com/gobench_fixed_grpc660

go 1.23
