from buildpack.main import main

main()
