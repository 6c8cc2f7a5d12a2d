Console.WriteLine("LlamaSwap");
