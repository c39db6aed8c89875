module example.com/pause

go 1.25.0
