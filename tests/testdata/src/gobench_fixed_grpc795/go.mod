module example.com/gobench_fixed_grpc795

go 1.23
