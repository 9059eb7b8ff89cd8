; ModuleID = 'rulec'
source_filename = "rulec"

@rulec_shape = constant [3 x i32] [i32 1, i32 69, i32 0]

; Function Attrs: noinline
define internal void @rules_0(ptr %0, ptr %1) #0 {
entry:
  %2 = getelementptr inbounds i8, ptr %0, i64 0
  %atoms = load ptr, ptr %2, align 8
  %3 = getelementptr inbounds i8, ptr %0, i64 8
  %memo = load ptr, ptr %3, align 8
  %4 = getelementptr inbounds i8, ptr %0, i64 16
  %lazy = load ptr, ptr %4, align 8
  %5 = getelementptr inbounds i64, ptr %atoms, i64 0
  %6 = load i64, ptr %5, align 4
  %7 = and i64 %6, 0
  %8 = and i64 %6, 7
  %9 = xor i64 %8, 7
  %10 = or i64 %9, %7
  %11 = or i64 0, %10
  %12 = icmp eq i64 %11, 0
  br i1 %12, label %and.next, label %and.end

and.end:                                          ; preds = %or.end, %and.next, %entry
  %13 = phi i1 [ false, %entry ], [ false, %and.next ], [ %24, %or.end ]
  %14 = zext i1 %13 to i64
  %15 = shl i64 %14, 0
  %16 = or i64 0, %15
  %17 = getelementptr inbounds i64, ptr %1, i64 0
  %18 = load i64, ptr %17, align 4
  %19 = or i64 %18, %16
  store i64 %19, ptr %17, align 4
  ret void

and.next:                                         ; preds = %entry
  %20 = call i32 %lazy(ptr %0, i32 3)
  %21 = icmp ne i32 %20, 0
  br i1 %21, label %and.next1, label %and.end

and.next1:                                        ; preds = %and.next
  %22 = call i32 %lazy(ptr %0, i32 4)
  %23 = icmp ne i32 %22, 0
  br i1 %23, label %or.end, label %or.next

or.end:                                           ; preds = %or.next64, %or.next63, %or.next62, %or.next61, %or.next60, %or.next59, %or.next58, %or.next57, %or.next56, %or.next55, %or.next54, %or.next53, %or.next52, %or.next51, %or.next50, %or.next49, %or.next48, %or.next47, %or.next46, %or.next45, %or.next44, %or.next43, %or.next42, %or.next41, %or.next40, %or.next39, %or.next38, %or.next37, %or.next36, %or.next35, %or.next34, %or.next33, %or.next32, %or.next31, %or.next30, %or.next29, %or.next28, %or.next27, %or.next26, %or.next25, %or.next24, %or.next23, %or.next22, %or.next21, %or.next20, %or.next19, %or.next18, %or.next17, %or.next16, %or.next15, %or.next14, %or.next13, %or.next12, %or.next11, %or.next10, %or.next9, %or.next8, %or.next7, %or.next6, %or.next5, %or.next4, %or.next3, %or.next2, %or.next, %and.next1
  %24 = phi i1 [ true, %and.next1 ], [ true, %or.next ], [ true, %or.next2 ], [ true, %or.next3 ], [ true, %or.next4 ], [ true, %or.next5 ], [ true, %or.next6 ], [ true, %or.next7 ], [ true, %or.next8 ], [ true, %or.next9 ], [ true, %or.next10 ], [ true, %or.next11 ], [ true, %or.next12 ], [ true, %or.next13 ], [ true, %or.next14 ], [ true, %or.next15 ], [ true, %or.next16 ], [ true, %or.next17 ], [ true, %or.next18 ], [ true, %or.next19 ], [ true, %or.next20 ], [ true, %or.next21 ], [ true, %or.next22 ], [ true, %or.next23 ], [ true, %or.next24 ], [ true, %or.next25 ], [ true, %or.next26 ], [ true, %or.next27 ], [ true, %or.next28 ], [ true, %or.next29 ], [ true, %or.next30 ], [ true, %or.next31 ], [ true, %or.next32 ], [ true, %or.next33 ], [ true, %or.next34 ], [ true, %or.next35 ], [ true, %or.next36 ], [ true, %or.next37 ], [ true, %or.next38 ], [ true, %or.next39 ], [ true, %or.next40 ], [ true, %or.next41 ], [ true, %or.next42 ], [ true, %or.next43 ], [ true, %or.next44 ], [ true, %or.next45 ], [ true, %or.next46 ], [ true, %or.next47 ], [ true, %or.next48 ], [ true, %or.next49 ], [ true, %or.next50 ], [ true, %or.next51 ], [ true, %or.next52 ], [ true, %or.next53 ], [ true, %or.next54 ], [ true, %or.next55 ], [ true, %or.next56 ], [ true, %or.next57 ], [ true, %or.next58 ], [ true, %or.next59 ], [ true, %or.next60 ], [ true, %or.next61 ], [ true, %or.next62 ], [ true, %or.next63 ], [ %152, %or.next64 ]
  br label %and.end

or.next:                                          ; preds = %and.next1
  %25 = call i32 %lazy(ptr %0, i32 5)
  %26 = icmp ne i32 %25, 0
  br i1 %26, label %or.end, label %or.next2

or.next2:                                         ; preds = %or.next
  %27 = call i32 %lazy(ptr %0, i32 6)
  %28 = icmp ne i32 %27, 0
  br i1 %28, label %or.end, label %or.next3

or.next3:                                         ; preds = %or.next2
  %29 = call i32 %lazy(ptr %0, i32 7)
  %30 = icmp ne i32 %29, 0
  br i1 %30, label %or.end, label %or.next4

or.next4:                                         ; preds = %or.next3
  %31 = call i32 %lazy(ptr %0, i32 8)
  %32 = icmp ne i32 %31, 0
  br i1 %32, label %or.end, label %or.next5

or.next5:                                         ; preds = %or.next4
  %33 = call i32 %lazy(ptr %0, i32 9)
  %34 = icmp ne i32 %33, 0
  br i1 %34, label %or.end, label %or.next6

or.next6:                                         ; preds = %or.next5
  %35 = call i32 %lazy(ptr %0, i32 10)
  %36 = icmp ne i32 %35, 0
  br i1 %36, label %or.end, label %or.next7

or.next7:                                         ; preds = %or.next6
  %37 = call i32 %lazy(ptr %0, i32 11)
  %38 = icmp ne i32 %37, 0
  br i1 %38, label %or.end, label %or.next8

or.next8:                                         ; preds = %or.next7
  %39 = call i32 %lazy(ptr %0, i32 12)
  %40 = icmp ne i32 %39, 0
  br i1 %40, label %or.end, label %or.next9

or.next9:                                         ; preds = %or.next8
  %41 = call i32 %lazy(ptr %0, i32 13)
  %42 = icmp ne i32 %41, 0
  br i1 %42, label %or.end, label %or.next10

or.next10:                                        ; preds = %or.next9
  %43 = call i32 %lazy(ptr %0, i32 14)
  %44 = icmp ne i32 %43, 0
  br i1 %44, label %or.end, label %or.next11

or.next11:                                        ; preds = %or.next10
  %45 = call i32 %lazy(ptr %0, i32 15)
  %46 = icmp ne i32 %45, 0
  br i1 %46, label %or.end, label %or.next12

or.next12:                                        ; preds = %or.next11
  %47 = call i32 %lazy(ptr %0, i32 16)
  %48 = icmp ne i32 %47, 0
  br i1 %48, label %or.end, label %or.next13

or.next13:                                        ; preds = %or.next12
  %49 = call i32 %lazy(ptr %0, i32 17)
  %50 = icmp ne i32 %49, 0
  br i1 %50, label %or.end, label %or.next14

or.next14:                                        ; preds = %or.next13
  %51 = call i32 %lazy(ptr %0, i32 18)
  %52 = icmp ne i32 %51, 0
  br i1 %52, label %or.end, label %or.next15

or.next15:                                        ; preds = %or.next14
  %53 = call i32 %lazy(ptr %0, i32 19)
  %54 = icmp ne i32 %53, 0
  br i1 %54, label %or.end, label %or.next16

or.next16:                                        ; preds = %or.next15
  %55 = call i32 %lazy(ptr %0, i32 20)
  %56 = icmp ne i32 %55, 0
  br i1 %56, label %or.end, label %or.next17

or.next17:                                        ; preds = %or.next16
  %57 = call i32 %lazy(ptr %0, i32 21)
  %58 = icmp ne i32 %57, 0
  br i1 %58, label %or.end, label %or.next18

or.next18:                                        ; preds = %or.next17
  %59 = call i32 %lazy(ptr %0, i32 22)
  %60 = icmp ne i32 %59, 0
  br i1 %60, label %or.end, label %or.next19

or.next19:                                        ; preds = %or.next18
  %61 = call i32 %lazy(ptr %0, i32 23)
  %62 = icmp ne i32 %61, 0
  br i1 %62, label %or.end, label %or.next20

or.next20:                                        ; preds = %or.next19
  %63 = call i32 %lazy(ptr %0, i32 24)
  %64 = icmp ne i32 %63, 0
  br i1 %64, label %or.end, label %or.next21

or.next21:                                        ; preds = %or.next20
  %65 = call i32 %lazy(ptr %0, i32 25)
  %66 = icmp ne i32 %65, 0
  br i1 %66, label %or.end, label %or.next22

or.next22:                                        ; preds = %or.next21
  %67 = call i32 %lazy(ptr %0, i32 26)
  %68 = icmp ne i32 %67, 0
  br i1 %68, label %or.end, label %or.next23

or.next23:                                        ; preds = %or.next22
  %69 = call i32 %lazy(ptr %0, i32 27)
  %70 = icmp ne i32 %69, 0
  br i1 %70, label %or.end, label %or.next24

or.next24:                                        ; preds = %or.next23
  %71 = call i32 %lazy(ptr %0, i32 28)
  %72 = icmp ne i32 %71, 0
  br i1 %72, label %or.end, label %or.next25

or.next25:                                        ; preds = %or.next24
  %73 = call i32 %lazy(ptr %0, i32 29)
  %74 = icmp ne i32 %73, 0
  br i1 %74, label %or.end, label %or.next26

or.next26:                                        ; preds = %or.next25
  %75 = call i32 %lazy(ptr %0, i32 30)
  %76 = icmp ne i32 %75, 0
  br i1 %76, label %or.end, label %or.next27

or.next27:                                        ; preds = %or.next26
  %77 = call i32 %lazy(ptr %0, i32 31)
  %78 = icmp ne i32 %77, 0
  br i1 %78, label %or.end, label %or.next28

or.next28:                                        ; preds = %or.next27
  %79 = call i32 %lazy(ptr %0, i32 32)
  %80 = icmp ne i32 %79, 0
  br i1 %80, label %or.end, label %or.next29

or.next29:                                        ; preds = %or.next28
  %81 = call i32 %lazy(ptr %0, i32 33)
  %82 = icmp ne i32 %81, 0
  br i1 %82, label %or.end, label %or.next30

or.next30:                                        ; preds = %or.next29
  %83 = call i32 %lazy(ptr %0, i32 34)
  %84 = icmp ne i32 %83, 0
  br i1 %84, label %or.end, label %or.next31

or.next31:                                        ; preds = %or.next30
  %85 = call i32 %lazy(ptr %0, i32 35)
  %86 = icmp ne i32 %85, 0
  br i1 %86, label %or.end, label %or.next32

or.next32:                                        ; preds = %or.next31
  %87 = call i32 %lazy(ptr %0, i32 36)
  %88 = icmp ne i32 %87, 0
  br i1 %88, label %or.end, label %or.next33

or.next33:                                        ; preds = %or.next32
  %89 = call i32 %lazy(ptr %0, i32 37)
  %90 = icmp ne i32 %89, 0
  br i1 %90, label %or.end, label %or.next34

or.next34:                                        ; preds = %or.next33
  %91 = call i32 %lazy(ptr %0, i32 38)
  %92 = icmp ne i32 %91, 0
  br i1 %92, label %or.end, label %or.next35

or.next35:                                        ; preds = %or.next34
  %93 = call i32 %lazy(ptr %0, i32 39)
  %94 = icmp ne i32 %93, 0
  br i1 %94, label %or.end, label %or.next36

or.next36:                                        ; preds = %or.next35
  %95 = call i32 %lazy(ptr %0, i32 40)
  %96 = icmp ne i32 %95, 0
  br i1 %96, label %or.end, label %or.next37

or.next37:                                        ; preds = %or.next36
  %97 = call i32 %lazy(ptr %0, i32 41)
  %98 = icmp ne i32 %97, 0
  br i1 %98, label %or.end, label %or.next38

or.next38:                                        ; preds = %or.next37
  %99 = call i32 %lazy(ptr %0, i32 42)
  %100 = icmp ne i32 %99, 0
  br i1 %100, label %or.end, label %or.next39

or.next39:                                        ; preds = %or.next38
  %101 = call i32 %lazy(ptr %0, i32 43)
  %102 = icmp ne i32 %101, 0
  br i1 %102, label %or.end, label %or.next40

or.next40:                                        ; preds = %or.next39
  %103 = call i32 %lazy(ptr %0, i32 44)
  %104 = icmp ne i32 %103, 0
  br i1 %104, label %or.end, label %or.next41

or.next41:                                        ; preds = %or.next40
  %105 = call i32 %lazy(ptr %0, i32 45)
  %106 = icmp ne i32 %105, 0
  br i1 %106, label %or.end, label %or.next42

or.next42:                                        ; preds = %or.next41
  %107 = call i32 %lazy(ptr %0, i32 46)
  %108 = icmp ne i32 %107, 0
  br i1 %108, label %or.end, label %or.next43

or.next43:                                        ; preds = %or.next42
  %109 = call i32 %lazy(ptr %0, i32 47)
  %110 = icmp ne i32 %109, 0
  br i1 %110, label %or.end, label %or.next44

or.next44:                                        ; preds = %or.next43
  %111 = call i32 %lazy(ptr %0, i32 48)
  %112 = icmp ne i32 %111, 0
  br i1 %112, label %or.end, label %or.next45

or.next45:                                        ; preds = %or.next44
  %113 = call i32 %lazy(ptr %0, i32 49)
  %114 = icmp ne i32 %113, 0
  br i1 %114, label %or.end, label %or.next46

or.next46:                                        ; preds = %or.next45
  %115 = call i32 %lazy(ptr %0, i32 50)
  %116 = icmp ne i32 %115, 0
  br i1 %116, label %or.end, label %or.next47

or.next47:                                        ; preds = %or.next46
  %117 = call i32 %lazy(ptr %0, i32 51)
  %118 = icmp ne i32 %117, 0
  br i1 %118, label %or.end, label %or.next48

or.next48:                                        ; preds = %or.next47
  %119 = call i32 %lazy(ptr %0, i32 52)
  %120 = icmp ne i32 %119, 0
  br i1 %120, label %or.end, label %or.next49

or.next49:                                        ; preds = %or.next48
  %121 = call i32 %lazy(ptr %0, i32 53)
  %122 = icmp ne i32 %121, 0
  br i1 %122, label %or.end, label %or.next50

or.next50:                                        ; preds = %or.next49
  %123 = call i32 %lazy(ptr %0, i32 54)
  %124 = icmp ne i32 %123, 0
  br i1 %124, label %or.end, label %or.next51

or.next51:                                        ; preds = %or.next50
  %125 = call i32 %lazy(ptr %0, i32 55)
  %126 = icmp ne i32 %125, 0
  br i1 %126, label %or.end, label %or.next52

or.next52:                                        ; preds = %or.next51
  %127 = call i32 %lazy(ptr %0, i32 56)
  %128 = icmp ne i32 %127, 0
  br i1 %128, label %or.end, label %or.next53

or.next53:                                        ; preds = %or.next52
  %129 = call i32 %lazy(ptr %0, i32 57)
  %130 = icmp ne i32 %129, 0
  br i1 %130, label %or.end, label %or.next54

or.next54:                                        ; preds = %or.next53
  %131 = call i32 %lazy(ptr %0, i32 58)
  %132 = icmp ne i32 %131, 0
  br i1 %132, label %or.end, label %or.next55

or.next55:                                        ; preds = %or.next54
  %133 = call i32 %lazy(ptr %0, i32 59)
  %134 = icmp ne i32 %133, 0
  br i1 %134, label %or.end, label %or.next56

or.next56:                                        ; preds = %or.next55
  %135 = call i32 %lazy(ptr %0, i32 60)
  %136 = icmp ne i32 %135, 0
  br i1 %136, label %or.end, label %or.next57

or.next57:                                        ; preds = %or.next56
  %137 = call i32 %lazy(ptr %0, i32 61)
  %138 = icmp ne i32 %137, 0
  br i1 %138, label %or.end, label %or.next58

or.next58:                                        ; preds = %or.next57
  %139 = call i32 %lazy(ptr %0, i32 62)
  %140 = icmp ne i32 %139, 0
  br i1 %140, label %or.end, label %or.next59

or.next59:                                        ; preds = %or.next58
  %141 = call i32 %lazy(ptr %0, i32 63)
  %142 = icmp ne i32 %141, 0
  br i1 %142, label %or.end, label %or.next60

or.next60:                                        ; preds = %or.next59
  %143 = call i32 %lazy(ptr %0, i32 64)
  %144 = icmp ne i32 %143, 0
  br i1 %144, label %or.end, label %or.next61

or.next61:                                        ; preds = %or.next60
  %145 = call i32 %lazy(ptr %0, i32 65)
  %146 = icmp ne i32 %145, 0
  br i1 %146, label %or.end, label %or.next62

or.next62:                                        ; preds = %or.next61
  %147 = call i32 %lazy(ptr %0, i32 66)
  %148 = icmp ne i32 %147, 0
  br i1 %148, label %or.end, label %or.next63

or.next63:                                        ; preds = %or.next62
  %149 = call i32 %lazy(ptr %0, i32 67)
  %150 = icmp ne i32 %149, 0
  br i1 %150, label %or.end, label %or.next64

or.next64:                                        ; preds = %or.next63
  %151 = call i32 %lazy(ptr %0, i32 68)
  %152 = icmp ne i32 %151, 0
  br label %or.end
}

define void @rulec_eval(ptr %0, ptr %1) {
entry:
  call void @rules_0(ptr %0, ptr %1)
  ret void
}

attributes #0 = { noinline }
