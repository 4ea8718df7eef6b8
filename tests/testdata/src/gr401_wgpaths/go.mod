module example.com/gr401_wgpaths

go 1.22
