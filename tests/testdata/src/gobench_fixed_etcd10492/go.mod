module example.com/gobench_fixed_etcd10492

go 1.23
