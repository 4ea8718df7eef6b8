module example.com/gr304_cmdstart_fixed

go 1.22
