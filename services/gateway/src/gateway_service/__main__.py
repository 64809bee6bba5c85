from gateway_service.entrypoints.cli import main

main()
