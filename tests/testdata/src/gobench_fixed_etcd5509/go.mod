module example.com/gobench_fixed_etcd5509

go 1.23
