module example.com/gobench_fixed_etcd6857

go 1.23
