module example.com/gr101_pairs

go 1.22
