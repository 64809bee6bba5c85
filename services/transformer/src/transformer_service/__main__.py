from transformer_service.entrypoints.cli import main

main()
