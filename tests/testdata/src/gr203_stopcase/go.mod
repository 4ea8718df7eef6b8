module example.com/gr203_stopcase

go 1.22
