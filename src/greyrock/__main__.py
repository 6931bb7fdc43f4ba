from greyrock.cli import main

main()
