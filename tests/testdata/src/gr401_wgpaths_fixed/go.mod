module example.com/gr401_wgpaths_fixed

go 1.22
