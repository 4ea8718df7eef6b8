module example.com/gr401_unreleased

go 1.22
