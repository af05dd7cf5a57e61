import Linalg
import MacroscaleCLI

BLASKernelChoice.restartWithBetterKernelsIfNeeded()
Macroscale.main()
