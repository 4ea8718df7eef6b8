module example.com/gobench_fixed_etcd6873

go 1.23
