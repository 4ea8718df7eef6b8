module example.com/gr302_mapdelete

go 1.22
