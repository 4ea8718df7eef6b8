module example.com/gobench_fixed_moby33781

go 1.23
