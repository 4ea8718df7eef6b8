module example.com/gr104_pieces

go 1.22
