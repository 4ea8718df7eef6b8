module example.com/gr203_stopcase_fixed

go 1.22
