module example.com/modmono

go 1.22

require example.com/webkit v0.0.0

replace example.com/webkit => ../webkit
