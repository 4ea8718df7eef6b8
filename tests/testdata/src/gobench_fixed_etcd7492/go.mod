module example.com/gobench_fixed_etcd7492

go 1.23
