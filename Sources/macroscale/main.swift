import MacroscaleCLI

Macroscale.main()
