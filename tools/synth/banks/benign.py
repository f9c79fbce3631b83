# Hard-negative (benign) scenario banks. "A" is the initiator role of the
# family (parent, coach, friend...), "B" the responder. Entries with " || "
# alternate A/B/A... Many lines deliberately LOOK like signals; all are [].

BANKS = {
# ---------------- train families ----------------
"b.home_alone.key": [
    "are you home alone?", "is anyone home with u", "lock the door behind u ok", "dont open the door for anyone",
    "is ur brother home yet? || no hes at practice || ok lock the door then",
    "send me a pic of ur report card when u get it", "dont tell ur sister about the surprise party!!",
    "who are u texting so late? || just {name} from class || ok, phone off at 10",
    "are u alone or is grandma there", "text me when ur home safe", "did u close the garage door",
    "delete that video of me singing lol its embarrassing", "dont tell dad i bought another bag lol",
    "send me a pic of what's in the fridge, im at the store", "is the back door locked",
    "do u want me to come home early? || no im fine || ok call if anything",
    "ur so mature for handling the house today, proud of u", "send a pic of the dog so i know hes ok",
    "r u in ur room? dinners ready", "keep the door locked till i get back, 20 min",
],
"b.home_alone.resp": ["ya im home", "yes mom", "ok", "its locked", "im fine", "k", "lol ok", "i did", "yes",
    "no one is here", "ok i wont tell", "hes here", "omg fine", "ya i know", "ok love u", "sent", "[image]",
    "can i have pizza", "when r u home", "ok ok"],
"b.sibling.key": [
    "dont tell mom lol", "dont tell mom i broke the lamp", "if mom asks i was at {name}s", "delete that pic of me before mom sees",
    "ur secret is safe lol", "can u cover for me tonight", "dont tell dad i took the car", "send me a pic of my charger, is it on my bed",
    "whats ur netflix password", "r u home alone? can i bring friends over lol", "dont tell anyone i cried at that movie",
    "mom checks ur phone?? mine she doesnt anymore", "i'll give u 10 bucks if u dont tell", "pay me back the $20 by friday",
    "come pick me up at {place}", "lock my door when u leave ok",
],
"b.sibling.resp": ["lmaooo ok", "i wont", "u owe me", "deal", "fine", "what do i get", "ur so dumb", "ok lol",
    "haha ok", "mom already knows", "its on ur desk", "[image]", "no", "maybe", "k"],
"b.grandparent.key": [
    "Happy birthday sweetheart! I sent you a gift card", "Grandpa put {money} on a gift card for you",
    "I got you the robux card you wanted, the code is on the back", "Did the card arrive? Let me know",
    "Send me a picture of you with the cake!", "Don't tell your mother how much I sent lol",
    "How old are you now, 12? Time flies", "You are growing up so fast", "Call me on the video thing when you can",
    "Grandma doesn't know how to use this app", "Is your mom home? I need to ask her something",
    "What do you want for christmas?", "I'm so proud of you for your grades", "Send me a photo of your new room",
    "the code didnt work? read it to me", "love you very much",
],
"b.grandparent.resp": ["thank u grandma!!", "thanks grandpa", "yes it came", "love u", "ok", "im 13 now lol",
    "[image]", "mom is at work", "i got robux with it", "can we facetime sunday", "ty!!", "lol i wont tell"],
"b.tutor.key": [
    "send a photo of question 4", "can you send a pic of your worksheet", "turn on your camera so I can see the board",
    "which grade are you in again? so i pick the right material", "send me a pic of your notes",
    "you're really mature in how you approach this", "share your screen please", "we can do the session at the public library on {day} at {clock}",
    "is your mom there? i need to confirm the time", "send me ur answer for 7b", "ok great, now question 5",
    "you did so well today", "don't forget the quiz {day}", "i'll email ur dad the invoice", "can you hear me?",
    "your mom paid for next month thanks", "text me if you get stuck",
],
"b.tutor.resp": ["[image]", "ok", "sent", "is it right?", "i dont get 4", "ok one sec", "yes", "hes here",
    "can we do {day} instead", "my cam is bad", "thank u", "ok i will", "huh", "the answer is 12?"],
"b.coach.key": [
    "what bus are you taking to the tournament", "meet at the gym at 6", "parents pick up at 5 sharp",
    "whats your shirt size for the jersey", "who needs a ride on {day}", "i can pick u up on the way, ask ur mom",
    "great game today, ur really stepping up", "send me a pic of ur permission slip", "dont forget ur cleats",
    "is ur dad coming to the game", "everyone be at the field by {clock}", "bus leaves the school at {clock}",
    "whats ur address for the team roster", "how old are u turning, for the age group form",
    "keep practicing ur free throws", "anyone left at the gym? i'll wait till ur parents come",
],
"b.coach.resp": ["ok coach", "bus {num}", "my mom is driving", "medium", "yes", "ok", "[image]", "thanks coach",
    "i need a ride", "hes coming", "i'll be there", "13 in june", "ok got it"],
"b.teacher.key": [
    "your essay was very mature for your age", "I'm impressed by your writing", "can you send a photo of your homework",
    "please submit by tonight", "you have one hour left on the test", "don't tell the others the answers lol",
    "ask your parents to sign the form", "your ideas are very grown up", "see me after class tomorrow",
    "remember the field trip bus leaves at {clock}", "your mom emailed me, all good", "great job today",
],
"b.teacher.resp": ["thank you", "ok", "thanks ms", "i will", "sorry its late", "[image]", "ok i'll tell my mom", "yes"],
"b.friends.key": [
    "add me on disc", "whats ur snap", "add me on {platform}", "dont tell anyone but i like her",
    "dont tell anyone but i like {name}", "delete that pic lol", "keep it a secret ok", "send me a pic of the homework",
    "r u home alone? can i come over", "ur parents strict? mine r so annoying", "wanna meet at {place} on {day}",
    "which bus r u taking tmrw", "my mom checks my phone so dont send anything weird lol", "add my alt",
    "join vc", "lets go private server, randoms are annoying", "hop on {game}", "send ur address for the party invite",
    "omg dont screenshot that", "our secret lol", "i'll pay u back tmrw", "facetime?",
],
"b.friends.resp": ["ok", "added", "lmaooo", "omg who", "i wont tell", "what's urs", "k", "my mom said no",
    "sure", "ya", "no way", "fr??", "ok sent", "done", "[image]", "u owe me 5 bucks", "bet", "cant rn"],
"b.teen_flirt.key": [
    "ur cute lol", "wanna go to the movies {day}", "dont tell ur friends lol", "can i have ur snap",
    "u looked nice today", "do u like anyone", "i like u", "wanna hang at {place}", "send a pic of ur outfit for the dance",
    "my mom can drive us", "r u going to the dance", "ur funny", "goodnight :)", "can we facetime",
],
"b.teen_flirt.resp": ["omg", "lol thanks", "maybe", "ok", "ya", "shut up \U0001F633", "u too", "i like u too",
    "ask my mom lol", "sure", "[image]", "hehe", "gn"],
"b.trade.key": [
    "ill give u 500 robux for ur pet", "send screenshot of ur inventory", "trade? my {item} for ur {item}",
    "add me so we can trade", "join my server to trade", "u have to trust first", "whats ur user",
    "no scam i promise", "i'll pay {bigamount} robux", "send pic of ur value list", "w or l?", "thats a W trade",
    "overpay pls", "dont tell anyone about this trade its a steal lol", "i'll go first", "lf {item}",
    "ur trade is L", "add me on {platform} for trades",
],
"b.trade.resp": ["deal", "no", "lowball", "ok add me", "[screenshot]", "W", "L", "lol no", "add more", "ok sent",
    "accept", "ty", "scammer?", "fr?", "bet"],
"b.trash.key": [
    "ill end u in 1 hour", "ur dead", "pay up loser", "u owe me 10 bucks from the bet", "ur so bad lmao",
    "i'm gonna destroy u", "tick tock ur time is up noob", "uninstall", "get rekt", "ez", "i'll find u next round",
    "ur trash", "1v1 me", "u have 5 min to get on or ur out of the squad", "i'm coming for u", "ur done",
    "say goodbye to ur rank", "i'll post the clip of u dying everywhere lol", "i have the replay, ur so bad",
    "im sending the clip to the group chat lmao", "what the hell was that", "stop being a bot", "shut up",
],
"b.trash.resp": ["cope", "ratio", "ur mad", "lol bet", "im better", "ok and", "shut up", "stfu", "gg", "no u",
    "cry", "lag", "skill issue", "L", "whatever", "dont post it bro lmao"],
"b.dating.key": [
    "send me a pic", "wanna meet {day}?", "text me ur address ill pick u up at {clock}", "u looked great in that pic",
    "are u home alone tonight? come over lol", "dont tell my sister we're dating yet", "can we facetime later",
    "im 34 btw, u?", "add me on {platform}", "i'll pay for dinner", "send me ur location when u leave",
    "u free {day}", "lets get drinks at {place}", "miss u", "how was work",
],
"b.dating.resp": ["haha ok", "im 31", "sure", "[image]", "yes", "omw", "sounds good", "miss u too", "lol", "ok",
    "long day", "8 works"],
"b.raffle.key": [
    "send the gift card code for the raffle", "paypal me for the tickets by tonight", "venmo me {money} for the cabin",
    "who still owes for the pizza", "i'll send everyone the cashapp", "deadline is friday for payment",
    "send a pic of the receipt", "the winner gets a {money} amazon card", "pay me back when u can",
    "i'll post the winners in the group", "send screenshot of the transfer", "code: {code}",
],
"b.raffle.resp": ["sent", "paid", "done", "ok", "whats ur venmo", "[screenshot]", "i'll pay tmrw", "ty", "lol i never win"],
"b.lobby.key": [
    "code {code}", "join {code}", "lobby code is {code}", "gg {num}-{num}", "lvl 99 btw", "whos {handle}", "add {handle}",
    "{handle} carried", "k/d {num}.{num}", "server {code} eu", "ping 40 lol", "rank up!!", "1v1 {handle}",
    "invite sent", "party full", "need 1 more", "{handle} is afk", "restart lobby", "ez dub",
],
"b.lobby.resp": ["joined", "gg", "in", "wait", "lag", "rdy", "1 sec", "go", "ez", "ok", "w"],
"b.pickup.key": [
    "which bus are u taking", "i'll pick u up at the station at {clock}", "meet me at the front of {place}",
    "send me ur location", "where are u exactly", "wait for me inside", "dont walk home alone its dark",
    "r u with ur friends still", "text me the address of the party", "i'm outside", "blue car",
],
"b.pickup.resp": ["bus {num}", "ok", "im at the front", "[location]", "5 min", "ok mom", "ok dad", "can {name} come too",
    "yes", "k", "where r u"],

# ---------------- held-out-only families (marked @heldout: every variant is held out) ----------------
"b.babysitter.key@heldout": [
    "are the kids asleep?", "did u lock the back door", "send me a pic of them in bed lol so cute", "bedtime is 8:30",
    "dont let them have candy", "we'll be home by {clock}", "did they eat", "the code for the door is {num}{num}",
    "you can order pizza, money is on the counter", "text if anything happens", "thanks so much for tonight",
],
"b.babysitter.resp@heldout": ["yes both asleep", "[image]", "locked", "ok", "they ate", "no worries!", "sounds good"],
"b.aunt.key@heldout": [
    "happy bday kiddo!! sent u 2800 vbucks", "how old are u now 13?? crazy", "dont tell ur mom i got u the battle pass lol",
    "send me a pic of the skin u got", "u r so grown up now", "wanna play {game} with ur old uncle later",
    "add me on {platform} so i can see ur clips", "ur dad says ur grades are great", "whats ur epic name",
    "i'll pick u up saturday for the game", "love u bud",
],
"b.aunt.resp@heldout": ["thank uuu", "yes 13", "[image]", "lol ok", "sure", "my user is {handle}", "love u too", "ok!!"],
"b.dance.key@heldout": [
    "who needs a ride to the recital", "i can pick up the girls at 5", "send me a pic of the costume", "what size shoe",
    "meet at the studio at {clock}", "parents please send the fee by friday", "which entrance are u at",
    "your daughter is so mature on stage", "bus to competition leaves at {clock}",
],
"b.dance.resp@heldout": ["thank you!", "we'll need a ride", "[image]", "size 5", "paid", "front door", "ok"],
"b.cousins.key@heldout": [
    "dont tell nana about the party", "its a secret, delete the chat after lol", "who's bringing the cake",
    "send me a pic of the banner", "r u home alone? can u hide the gifts", "address is on the invite",
    "add me on {platform} so i can add u to the group", "tell no one!!", "we meet at the back at {clock}",
],
"b.cousins.resp@heldout": ["i wont", "lol ok", "[image]", "me", "yes", "ok added", "got it"],
"b.esports.key@heldout": [
    "whats ur age for the roster form", "join our discord for tryouts", "send a clip of ur best round",
    "scrims at {clock} {day}", "parents need to sign the consent form", "ur aim is really mature for ur age",
    "we pay entry fees for the tournament", "tryouts are in vc, everyone together", "whats ur rank",
],
"b.esports.resp@heldout": ["15", "joined", "[clip]", "ok", "gold 2", "my mom will sign", "bet"],
"b.bet.key@heldout": [
    "u owe me 10 bucks tick tock", "pay up or i'm telling everyone u lost", "i'll expose ur stats lol",
    "u have till tonight to pay", "cashapp me loser", "i'll post the clip everywhere lmao", "ur finished",
    "i recorded the whole match, ur so bad", "everyone's gonna see u lost",
],
"b.bet.resp@heldout": ["chill", "fine sent", "lol no", "double or nothing", "post it idc", "ur annoying"],
"b.roommates.key@heldout": [
    "are u home? i forgot my keys", "venmo me {money} for rent by tonight", "send a pic of the electric bill",
    "lock the door when u leave", "who ate my leftovers", "my date is coming over dont be weird lol",
    "is anyone home", "can u send me the wifi password",
],
"b.roommates.resp@heldout": ["ya home", "sent", "[image]", "wasnt me", "ok", "lol fine"],
"b.project.key@heldout": [
    "send pic of ur notes", "dont tell mrs k we split it up", "add me on {platform} for the group",
    "study room at the library, {day}?", "whats ur email", "due by midnight!!", "send me ur part",
],
"b.project.resp@heldout": ["[image]", "ok", "added", "ok sent", "bet", "whats urs"],

# ---------------- new train families (wider hard negatives) ----------------
"b.adult_room.key": [
    "asl? 34/m/ohio lol", "any ladies here tonight", "im 29/f bored at work", "u single?", "wanna pm? || sure || ok sent u a dm",
    "lol ur dirty", "whos up late again", "34 m here, anyone wanna chat", "any guys from {place} in here",
    "thats what she said lol", "ok who spilled wine on the keyboard", "ur trouble i can tell lol",
    "r u married or just bored lol", "how old r u? || 41 || same lol old timers club", "mods r sleeping, behave lol",
    "send the meme not ur face lmao", "im 27 and my back hurts already", "wat r u drinking tonight",
    "anyone wanna flirt or is everyone just lurking", "hey stranger, asl", "u sound cute for a 38 yr old lol",
    "r u alone tonight or is the hubby there? lol jk", "she's taken guys chill", "ok whos the new guy, asl",
    "get a room u two lol", "pm me if ur from {place}, need bar recs", "brb kids need me lol",
    "im 45 and still in chatrooms lmao", "dont be shy, everyone says hi", "lol u wish",
],
"b.adult_room.resp": ["lol", "27/f", "39 m", "taken lol", "haha maybe", "lmaooo", "pm sent", "ew lol", "same",
    "brb", "no u", "im 33 dont judge", "single and thriving", "hi all", "lol behave", "hahaha"],
"b.cousin_robux.key": [
    "yo cuz sent u {bigamount} robux happy early bday", "did the robux go thru? || ya!! || bet",
    "r u going to grandmas saturday", "lets meet at grandmas and play {game} on the big tv",
    "dont tell aunt {name} i gave u vbucks lol she'll say im spoiling u", "whats ur roblox user again",
    "send me a pic of ur new avatar", "ill bring my switch to grandmas", "im picking u up at 2, ask ur mom",
    "r u home alone? ill come get u for grandmas", "add me on {platform} so we can squad up",
    "ur so good now lowkey better than me", "i got u the battle pass, no big deal", "keep it quiet, its for ur bday",
    "grandma says bring a jacket lol", "how old r u now 12? u were like 5 yesterday",
    "can u sleep over at grandmas friday", "i'll give u my old {item}",
],
"b.cousin_robux.resp": ["thx cuz!!", "yes it went thru", "[image]", "ok", "ya im coming", "ok ill ask mom",
    "im 12 lol", "bet", "love u", "my user is {handle}", "lol ok", "W"],
"b.teen_life.key": [
    "omg {name} looked at me in bio", "do u think he likes me back", "send me the pic u took, the cute one",
    "dont tell anyone i like him ok", "r u sneaking out tonight?? || maybe lol || ur crazy",
    "add him on snap, his sc is {handle}", "delete that pic its so ugly", "my mom took my phone again ugh",
    "r ur parents home? can i come over", "meet at the park at 8?", "he asked for my snap omg",
    "i kissed him lol dont tell", "she sent him a pic in her swimsuit and now everyones talking",
    "whats ur streak with him", "is ur mom still mad", "ur so pretty he'd be dumb not to like u",
    "can i sleep at urs saturday", "tell ur mom we're studying", "screenshot it and send me", "ok but what do i say back",
    "we r going to the mall friday, u in?", "bring ur hoodie i'm cold lol", "im telling u he's obsessed w u",
],
"b.teen_life.resp": ["omgg", "stopp", "i wont tell", "lmaooo", "ya", "idk", "[screenshot]", "no way",
    "i swear", "he def does", "ok", "ur lying", "bet", "\U0001F62D\U0001F62D", "yes!!", "ugh same"],
# ---------------- new held-out-only families ----------------
"b.family_shorthand.key@heldout": [
    "r u home alone? dad is at work till 7", "dont tell dad about the surprise lol", "send me a pic of ur homework pls",
    "ill pick u up at 6 by the gym", "love u bug", "did u eat? || ya || wat did u eat", "grandma says call her",
    "where r u rn? share ur location", "ur bro is picking u up 2day", "lock the door and dont answer it",
    "mom can u get me {item} || maybe if u clean ur room", "who r u texting at midnight young lady", "phone off at 10 ok",
    "send a pic of the bus number", "r u at {name}s? text me when u get there", "grandma: HOW DO I SEND PICTURE",
    "proud of u sweetie", "dont forget ur meds", "can u keep a secret? we're getting a puppy", "ok i'm outside",
],
"b.family_shorthand.resp@heldout": ["k", "ya", "ok mom", "luv u", "[image]", "omw", "im home", "k dad", "ya i ate",
    "pizza", "omg a puppy??", "i wont tell", "sry", "ok grandma", "5 min"],
"b.youth_group.key@heldout": [
    "parents, practice moved to {clock} at the north field", "the address for saturday is in the pinned msg",
    "can a parent post a team photo for the slideshow", "keep it secret, its a surprise for coach!!",
    "who can drive 3 kids to the away game", "reminder: permission slips due {day}", "pls send pics from the retreat to me",
    "pickup is at the church lot at 5", "how old is ur son, for the age bracket", "great job everyone, so proud of u all",
    "dont tell coach about the cake", "hoodie sizes by friday pls", "we meet at {place} at {clock}, dont be late",
    "my daughter needs a ride, anyone near {place}", "text me when ur kids are picked up", "the bus leaves at {clock} sharp",
],
"b.youth_group.resp@heldout": ["we'll be there", "i can drive", "[image]", "he's 13", "thanks!", "medium pls",
    "picked up", "ok", "sent!", "love this group", "my lips r sealed"],
"b.college_sib.key@heldout": [
    "r u alone or is mom home", "dont tell mom im coming home friday, surprise", "send me a pic of ur prom outfit",
    "ill venmo u gas money if u pick me up at the station", "ur so grown up now its weird", "how old r u again 15?? crazy",
    "delete the video of me falling lol", "add me on {platform} i made a new one", "i'll meet u at the coffee place",
    "is dad still strict abt ur phone", "ill buy u something from the campus store", "dont tell anyone i failed that exam",
],
"b.college_sib.resp@heldout": ["ok lol", "mom is home", "[image]", "yes!!", "omg ok", "i wont tell", "im 15 lol",
    "bet", "miss u", "sent", "no way"],
}

# ---------------- extra hard negatives for existing families (look like signals, are not) ----------------
BANKS["b.home_alone.key"] += [
    "ur dad and i r out till 11, u ok alone?", "dont let anyone in, not even {name}", "is ur door shut? the dog keeps getting in ur room",
    "send me a pic so i know u got home", "delete the voicemail i left lol i was singing",
]
BANKS["b.sibling.key"] += [
    "ur secret crush is safe with me lmao", "pls dont snitch", "send me ur location i'm coming to get u",
    "wat r u wearing to the dance, can i borrow ur shoes",
]
BANKS["b.grandparent.key"] += [
    "Are you alone at home? Your mother said she would be late.", "I'll send you something special, don't tell your brother",
    "Can you send me a photo? I miss your face",
]
BANKS["b.tutor.key"] += [
    "can u turn ur camera on, i cant see ur worksheet", "is anyone home to let me in on {day}", "send a pic of ur whiteboard",
]
BANKS["b.coach.key"] += [
    "keep ur phone on, i'll text when the bus gets in", "send me a team pic for the newsletter", "r ur parents picking u up or should i wait",
]
BANKS["b.friends.key"] += [
    "u got snap? add me", "whats ur sc lol", "dm me on insta", "dont screenshot my story",
]
BANKS["b.teen_flirt.key"] += [
    "have u ever kissed anyone lol", "ur actually so cute in that pic", "wanna meet at the mall saturday",
]
BANKS["b.dating.key"] += [
    "what r u wearing tonight? so i match lol", "im at ur door, come down", "send me a pic of ur outfit",
]
BANKS["b.trash.key"] += ["pay up loser u lost the bet", "i'll clip ur fail and post it lmao"]
BANKS["b.aunt.key@heldout"] += ["r ur parents home? i wanna drop off ur present", "dont tell ur sister i got u more vbucks lol"]
BANKS["b.cousins.key@heldout"] += ["delete this chat so she doesnt see it", "pick u up at 6, dont tell nana"]
