module example.com/gobench_fixed_moby25384

go 1.23
