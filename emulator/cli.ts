console.log('emulator placeholder')
