module hyperfleet-oracle

go 1.26
