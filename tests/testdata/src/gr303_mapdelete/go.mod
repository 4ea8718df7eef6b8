module example.com/gr303_mapdelete

go 1.22
