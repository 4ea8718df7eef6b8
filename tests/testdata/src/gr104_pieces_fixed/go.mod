module example.com/gr104_pieces_fixed

go 1.22
