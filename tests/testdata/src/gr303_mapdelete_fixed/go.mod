module example.com/gr303_mapdelete_fixed

go 1.22
