module example.com/gr101_pairs_fixed

go 1.22
