"""Sources: the network edge that turns a service's listing of one day into `Paper` records."""
