module example.com/gr302_mapdelete_fixed

go 1.22
