module example.com/gr304_cmdstart

go 1.22
