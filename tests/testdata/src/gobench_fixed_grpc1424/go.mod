module example.com/gobench_fixed_grpc1424

go 1.23
